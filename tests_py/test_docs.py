"""The docs stay true: the compatibility table and the configuration page match the server."""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _registry_names(r) -> set[str]:
    """Every command and subcommand the running server registers, as 'get' / 'client|id'."""
    names: set[str] = set()
    r.set_response_callback("COMMAND", lambda resp, **kw: resp)  # raw entries, not redis-py's dict
    raw = r.execute_command("COMMAND", "INFO")
    for entry in raw:
        names.add(entry[0].decode().lower() if isinstance(entry[0], bytes) else entry[0].lower())
        for sub in entry[9] if len(entry) > 9 else []:
            n = sub[0].decode() if isinstance(sub[0], bytes) else sub[0]
            names.add(n.lower())
    return names


def test_compatibility_table_matches_registry(r):
    text = (DOCS / "compatibility.md").read_text()
    supported = {m.group(1).lower() for m in re.finditer(r"^\| `([^`]+)` \| [^|]* \| supported \|",
                                                          text, re.M)}
    registered = _registry_names(r)
    assert registered, "COMMAND INFO returned nothing"
    assert supported == registered, (
        f"docs/compatibility.md is stale (run scripts/gen_docs.py): "
        f"missing {sorted(registered - supported)}, extra {sorted(supported - registered)}")


def test_configuration_page_lists_every_setting(r):
    text = (DOCS / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", text, re.M))
    settings = {k.decode() if isinstance(k, bytes) else k for k in r.config_get("*")}
    assert settings, "CONFIG GET * returned nothing"
    assert settings == documented, (
        f"docs/configuration.md: undocumented {sorted(settings - documented)}, "
        f"documented but absent {sorted(documented - settings)}")

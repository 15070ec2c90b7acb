"""Differential tests of Lua scripting (EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT) against a real
redis-server: return conversions in RESP2 and RESP3, redis.call conversions, error replies
(with Redis 7's " script: <sha>, on @user_script:<line>." suffix), the sandbox, and redis.call of
every type family's commands."""

import hashlib

import pytest

from diffutil import S, diff, server_pair, unordered  # noqa: F401 (fixtures)

pytestmark = pytest.mark.differential


def sha(body: str) -> str:
    return hashlib.sha1(body.encode()).hexdigest()




def ev(body, *rest):
    """EVAL body numkeys... (numkeys 0 when no rest)."""
    return ["EVAL", body, *(rest or ("0",))]


def resp3(*steps):
    """Steps run after switching both connections to RESP3 (HELLO 3's own reply is not compared:
    it names the server; its type is)."""
    return [S(["HELLO", "3"], cmp=_map_kind)] + list(steps)


def _map_kind(r, f):
    if r.kind != f.kind:
        return f"reply types differ: {r.kind} vs {f.kind}"
    return None


CASES = {
    # ---- Lua -> reply ----
    "return_scalars": [ev("return 1"), ev("return -1"), ev("return 3.99"), ev("return -3.99"),
                       ev("return 0/0"), ev("return 1/0"), ev("return -1/0"), ev("return 2^63"),
                       ev("return 'str'"), ev("return ''"), ev("return true"), ev("return false"),
                       ev("return nil"), ev("return"), ev("return function() end"),
                       ev("return 1e15"), ev("return 123456789012")],
    "return_tables": [ev("return {}"), ev("return {1,2,3}"), ev("return {1,2,nil,4}"),
                      ev("return {1,false,3}"), ev("return {1,true,'x',{2,{3}}}"),
                      ev("return {ok='fine'}"), ev("return {err='My error'}"),
                      ev("return {err='a\\r\\nb'}"), ev("return {ok='x\\ny'}"), ev("return {ok=5}"),
                      ev("return {err=5}"), ev("return {{ok='a'},{err='b'}}"),
                      ev("return {double=1.5}"), ev("return {double=3}"), ev("return {double='x'}"),
                      ev("return {map={a=1}}"), ev("return {set={a=true}}"),
                      ev("return {big_number='12345678901234567890'}"),
                      ev("return {verbatim_string={format='txt', string='hello'}}"),
                      ev("return {a=1, b=2}"), ev("return {1, 2, a=3}")],
    "return_resp3": resp3(ev("return {double=1.5}"), ev("return {double=0.1}"),
                          ev("return {map={a=1}}"), ev("return {set={a=true}}"),
                          ev("return {big_number='12345678901234567890'}"),
                          ev("return {verbatim_string={format='txt', string='hello'}}"),
                          ev("return true"), ev("return false"), ev("return nil"),
                          ev("redis.setresp(3) return true"), ev("redis.setresp(3) return false"),
                          ev("return {1,false,3}"), ev("redis.setresp(3) return {1,false,3}"),
                          ev("return {err='x'}"), ev("return {ok='y'}")),
    "resp2_setresp3_bools": [ev("redis.setresp(3) return true"), ev("redis.setresp(3) return false"),
                             ev("redis.setresp(2) return false")],
    # ---- reply -> Lua (redis.call), RESP2 and RESP3 script dialects ----
    "call_conversions": [["SET", "s", "abc"], ["HSET", "h", "a", "1"], ["SADD", "set", "m"],
                         ["ZADD", "z", "1.5", "m"],
                         ev("return redis.call('get','s')"), ev("return redis.call('get','nokey')"),
                         ev("return type(redis.call('get','nokey'))"),
                         ev("return type(redis.call('ping'))"), ev("return redis.call('ping')['ok']"),
                         ev("return redis.call('ping')"), ev("return redis.call('incr','n')"),
                         ev("return redis.call('hgetall','h')"),
                         ev("return redis.call('zscore','z','m')"),
                         ev("return redis.call('zrange','z',0,-1,'withscores')"),
                         ev("return redis.call('smembers','set')"),
                         ev("return redis.call('exists','s','nokey')"),
                         ev("return redis.call('lpop','nolist')"),
                         ev("return type(redis.call('lpop','nolist'))"),
                         ev("return redis.pcall('incr','s')"),
                         ev("return type(redis.pcall('incr','s'))"),
                         ev("return redis.pcall('incr','s')['err']"),
                         ev("return redis.pcall('nosuch')['err']")],
    "call_resp3_dialect": [["HSET", "h", "a", "1"], ["ZADD", "z", "1.5", "m"], ["SADD", "set", "m"],
                           ev("redis.setresp(3) return type(redis.call('get','nokey'))"),
                           ev("redis.setresp(3) return redis.call('hgetall','h')"),
                           ev("redis.setresp(3) return redis.call('hgetall','h')['map']['a']"),
                           ev("redis.setresp(3) return type(redis.call('zscore','z','m'))"),
                           ev("redis.setresp(3) return redis.call('zscore','z','m')['double']"),
                           ev("redis.setresp(3) return redis.call('smembers','set')"),
                           ev("redis.setresp(3) return redis.call('smembers','set')['set']['m']"),
                           ev("redis.setresp(3) return redis.call('zscore','z','nomember')")],
    "call_resp3_dialect_resp3_client": resp3(
        ["HSET", "h", "a", "1"], ["ZADD", "z", "2.5", "m"],
        ev("redis.setresp(3) return redis.call('hgetall','h')"),
        ev("redis.setresp(3) return redis.call('zscore','z','m')"),
        ev("return redis.call('hgetall','h')"), ev("return redis.call('zscore','z','m')")),
    "call_arg_numbers": [ev("return redis.call('set','f',3.14)"), ["GET", "f"],
                         ev("return redis.call('set','i',10)"), ["GET", "i"],
                         ev("return redis.call('set','e',1e20)"), ["GET", "e"],
                         ev("return redis.call('set','n',-0.5)"), ["GET", "n"]],
    # ---- KEYS / ARGV / numkeys ----
    "keys_argv": [ev("return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}", "2", "k1", "k2", "a1", "a2"),
                  ev("return {#KEYS, #ARGV}", "1", "k", "a", "b", "c"),
                  ev("return KEYS", "3", "a", "b", "c"), ev("return ARGV", "0", "x", "y"),
                  ev("return 1", "-1"), ev("return 1", "2", "a"), ev("return 1", "x"),
                  ev("return 1", "1"), ["EVAL", "return 1"], ["EVAL"],
                  ev("KEYS[1] = 'z' return KEYS[1]", "1", "a")],
    # ---- errors ----
    "errors_runtime": [["SET", "s", "abc"], ev("return redis.call('incr','s')"),
                       ev("return redis.call('nosuch')"), ev("return redis.call('get')"),
                       ev("return redis.call('incr','k1','x')"), ev("return redis.call()"),
                       ev("return redis.call('get',{})"), ev("return redis.call('get',true)"),
                       ev("error('boom')"), ev("error({err='MY boom'})"), ev("error({err=5})"),
                       ev("error(5)"), ev("error()"), ev("local a = nil; return a.b"),
                       ev("return 1 + {}"), ev("\n\nreturn redis.call('incr','s')"),
                       ev("local function f() error('deep') end\nf()"),
                       ev("return redis.call('lpush','s','x')"),
                       ev("return redis.call('config','get')"), ev("return redis.call('config')"),
                       ev("return redis.call('client','nosuch')")],
    "errors_noscript_commands": [ev("return redis.call('eval','return 1','0')"),
                                 ev("return redis.call('evalsha','abc','0')"),
                                 ev("return redis.call('script','load','return 1')"),
                                 ev("return redis.call('script','flush')"),
                                 ev("return redis.call('hello')"),
                                 ev("return redis.call('config','get','maxmemory')"),
                                 ev("return redis.pcall('auth','x')")],
    "errors_compile": [ev("return 'a"), ev("retur 1"), ev("return )"), ["SCRIPT", "LOAD", "x y z"],
                       ev("#!lua\nreturn 1"), ev("#!lua flags=no-writes\nreturn 1"),
                       ev("#!perl\nreturn 1"), ev("#!lua flags=bad\nreturn 1"),
                       ev("#!lua name=x\nreturn 1"), ev("#!lua")],
    "helpers": [ev("return redis.error_reply('x')"), ev("return redis.error_reply('My Err')"),
                ev("return redis.error_reply('-X y')"), ev("return redis.error_reply(5)"),
                ev("return redis.error_reply()"), ev("return redis.status_reply('fine')"),
                ev("return redis.status_reply(5)"), ev("return redis.sha1hex('abc')"),
                ev("return redis.sha1hex('')"), ev("return redis.sha1hex(12)"),
                ev("return redis.sha1hex()"), ev("return redis.setresp(4)"),
                ev("return redis.setresp()"), ev("redis.log(1)"), ev("redis.log('a','b')"),
                ev("redis.log(9,'b')"), ev("redis.log(redis.LOG_DEBUG,'hello','world') return 1"),
                ev("return redis.set_repl(9)"), ev("return redis.set_repl()"),
                ev("return redis.set_repl(redis.REPL_ALL)"),
                ev("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}"),
                ev("return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}"),
                ev("return redis.REDIS_VERSION_NUM"), ev("return redis.replicate_commands()"),
                ev("return redis.breakpoint()"), ev("return redis.debug('x')"),
                ev("return redis.acl_check_cmd('get','x')"), ev("return redis.acl_check_cmd('nosuch')")],
    # ---- sandbox ----
    "sandbox_globals": [ev("return x"), ev("x = 1"), ev("string.x = 1"), ev("redis.call = nil"),
                        ev("math.random = nil"), ev("_G.x = 1"), ev("rawset(_G,'x',1) return x"),
                        ev("setmetatable(_G,nil)"), ev("return type(getmetatable(_G))"),
                        ev("local t = {} t.x = 1 return t.x"), ev("return string.x"),
                        ev("return redis.x"), ev("KEYS = {}"), ev("return type(x)")],
    "sandbox_visible": [ev("return type(%s)" % n) for n in (
        "assert", "collectgarbage", "error", "getmetatable", "ipairs", "load", "loadstring",
        "next", "pairs", "pcall", "rawequal", "rawget", "rawset", "select", "setmetatable",
        "tonumber", "tostring", "type", "unpack", "xpcall", "gcinfo", "_VERSION", "_G",
        "coroutine", "string", "table", "math", "redis", "cjson", "bit", "struct", "cmsgpack", "KEYS", "ARGV",
        "print", "os", "io", "debug", "package", "require", "dofile", "loadfile", "setfenv",
        "getfenv", "module", "newproxy")],
    "sandbox_libs": [ev("return string.format('%d-%s', 5, 'x')"), ev("return ('abc'):upper()"),
                     ev("return table.concat({1,2,3}, ',')"), ev("return math.floor(3.7)"),
                     ev("return tostring(math.huge)"), ev("return tostring(1/3)"),
                     ev("return string.rep('ab', 3)"), ev("return #string.rep('x', 100)"),
                     ev("return loadstring('return 7')()"), ev("return select('#', 1, 2, 3)"),
                     ev("return {pcall(error, 'x')}"), ev("return tonumber('0x10')"),
                     ev("return _VERSION"), ev("return string.rep()")],
    "lib_bit": [ev("return bit.band(0xff, 0x0f)"), ev("return bit.bor(1, 2, 4)"),
                ev("return bit.bxor(5, 3)"), ev("return bit.lshift(1, 10)"),
                ev("return bit.rshift(-1, 28)"), ev("return bit.arshift(-256, 4)"),
                ev("return bit.tohex(255)"), ev("return bit.tohex(-1, 4)"), ev("return bit.bnot(0)"),
                ev("return bit.tobit(2^32 + 5)")],
    "lib_cjson": [ev("return cjson.encode({1,2,3})"), ev("return cjson.encode({a=1})"),
                  ev("return cjson.encode('x\"y')"), ev("return cjson.encode(3.5)"),
                  ev("return cjson.decode('[1,2,3]')"), ev("return cjson.decode('{\"a\":[1,{\"b\":2}]}')['a'][2]['b']"),
                  ev("return cjson.decode('\"s\"')"), ev("return cjson.decode('[')"),
                  ev("return type(cjson.decode('null'))"), ev("return cjson.encode({})")],
    "lib_struct": [ev("return struct.pack('>I2', 258)"), ev("return struct.pack('<i4', -2)"),
                   ev("return {struct.unpack('>I2', 'ab')}"),
                   ev("return {struct.unpack('<i4', struct.pack('<i4', -2))}"),
                   ev("return struct.size('!4 b i')"), ev("return struct.size('s')"),
                   ev("return struct.size('c0')"), ev("return struct.pack('z')"),
                   ev("return struct.pack('i40', 1)"), ev("return struct.pack('s', 'abc')"),
                   ev("return {struct.unpack('b c0', struct.pack('b c0', 3, 'xyz'))}"),
                   ev("return {struct.unpack('I2', 'a')}"),
                   ev("return {struct.unpack('>d', struct.pack('>d', 1.5))}"),
                   ev("return {struct.unpack('>f', struct.pack('>f', 2.5))}"),
                   ev("return struct.pack('!8 b d', 1, 2)"), ev("return struct.pack('c3', 'ab')"),
                   ev("return struct.pack('c2', 'abcd')"), ev("return {struct.unpack('x b', 'ab')}"),
                   ev("return {struct.unpack('b', 'a', 0)}"), ev("return {struct.unpack('b', 'abc', 2)}"),
                   ev("return struct.pack('!3 i', 1)"), ev("return struct.pack('>l', -1)"),
                   ev("return {struct.unpack('c0', 'abc')}"), ev("return struct.pack('B', 300)"),
                   ev("struct.x = 1")],
    "lib_cmsgpack": [ev("return cmsgpack.pack(1, -1, 127, 128, 255, 256, 65536, 2^32, 2^40, -33, -129, -40000, -2^40)"),
                     ev("return cmsgpack.pack(1.5, 0.1, 1e300, 0/0)"),
                     ev("return cmsgpack.pack('abc', string.rep('x', 40), string.rep('y', 300))"),
                     ev("return cmsgpack.pack({1,2,3}, {a=1}, {}, {1,nil,3}, {[2]=5})"),
                     ev("return cmsgpack.pack(true, false, nil)"), ev("return cmsgpack.pack()"),
                     ev("return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {1,2}, -5, 1.5))}"),
                     ev("return cmsgpack.unpack(cmsgpack.pack({a={b={c=1}}})).a.b.c"),
                     ev("return cmsgpack.unpack('\\204')"), ev("return cmsgpack.unpack('\\193')"),
                     ev("return {cmsgpack.unpack('\\205\\1\\2\\208\\255\\146\\1\\2')}"),
                     ev("return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3))}"),
                     ev("return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 2)}"),
                     ev("return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2)}"),
                     ev("return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2, 1)}"),
                     ev("return cmsgpack.unpack_one('ab', 9)"),
                     ev("local t = {} t[1] = t return cmsgpack.pack(t)"),
                     ev("return {cmsgpack.unpack(cmsgpack.pack(2^63, -2^63, 2^64))}"),
                     ev("return cmsgpack.pack(string.rep('z', 70000)):sub(1,5)"),
                     ev("return tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))"), ev("cmsgpack.x = 1")],
    "math_random_seeded": [ev("math.randomseed(7) return math.random(100000)"),
                           ev("math.randomseed(42) return {math.random(10), math.random(1, 6), math.random(5, 5)}"),
                           ev("math.randomseed(1) return tostring(math.random())"),
                           ev("return math.random(0)"), ev("return math.random(3, 1)")],
    # ---- script cache ----
    "script_cache": [["SCRIPT", "FLUSH"], ["EVALSHA", sha("return 'hi'"), "0"],
                     ["SCRIPT", "LOAD", "return 'hi'"], ["EVALSHA", sha("return 'hi'"), "0"],
                     ["EVALSHA", sha("return 'hi'").upper(), "0"],
                     ["SCRIPT", "EXISTS", sha("return 'hi'"), "ffff", sha("return 'hi'").upper()],
                     ["EVALSHA_RO", sha("return 'hi'"), "0"], ["EVALSHA", "abc", "x"],
                     ["EVALSHA", sha("return 'hi'"), "x"], ["EVALSHA", sha("return 'hi'"), "-1"],
                     ["SCRIPT", "FLUSH", "bad"], ["SCRIPT", "FLUSH", "async", "sync"],
                     ["SCRIPT", "FLUSH", "ASYNC"], ["EVALSHA", sha("return 'hi'"), "0"],
                     ev("return 'hi'"), ["EVALSHA", sha("return 'hi'"), "0"], ["SCRIPT", "FLUSH", "sync"],
                     ["SCRIPT", "EXISTS", sha("return 'hi'")], ["SCRIPT", "EXISTS"], ["SCRIPT", "LOAD"],
                     ["SCRIPT", "LOAD", "a", "b"], ["SCRIPT", "nosuch"], ["SCRIPT"]],
    "read_only": [["SET", "a", "v"], ["EVAL_RO", "return redis.call('get','a')", "0"],
                  ["EVAL_RO", "return redis.call('set','a','b')", "0"],
                  ["EVAL_RO", "return redis.call('del','a')", "0"],
                  ["EVAL_RO", "return redis.pcall('incr','a')", "0"],
                  ["EVAL_RO", "#!lua\nreturn 1", "0"], ["EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"],
                  ev("#!lua flags=no-writes\nreturn redis.call('set','a','b')"),
                  ev("#!lua flags=no-writes\nreturn redis.call('get','a')"),
                  ["GET", "a"]],
    # ---- redis.call of every family ----
    "call_strings": [ev("redis.call('set',KEYS[1],'10') redis.call('incrby',KEYS[1],5) "
                        "redis.call('append',KEYS[1],'x') return {redis.call('get',KEYS[1]), "
                        "redis.call('strlen',KEYS[1]), redis.call('getrange',KEYS[1],0,1)}", "1", "k"),
                     ev("return redis.call('mget','k','nokey')"),
                     ev("return redis.call('setnx','k','y')"),
                     ev("return redis.call('incrbyfloat','f','1.5')"),
                     ev("return redis.call('set','k2','v','GET')")],
    "call_keys": [["SET", "a", "1"], ev("return redis.call('expire','a',100)"),
                  ev("return redis.call('ttl','a')"), ev("return redis.call('type','a')"),
                  ev("return redis.call('exists','a','b')"), ev("return redis.call('rename','a','b')"),
                  ev("return redis.call('del','b','c')"), ev("return redis.call('dbsize')"),
                  ev("redis.call('select',2) redis.call('set','x','db2') return redis.call('get','x')"),
                  ["GET", "x"], ev("return redis.call('keys','*')")],
    "call_lists": [ev("return redis.call('rpush','l','a','b','c')"),
                   ev("return redis.call('lrange','l',0,-1)"), ev("return redis.call('lpop','l')"),
                   ev("return redis.call('llen','l')"), ev("return redis.call('lindex','l',5)"),
                   ev("return redis.call('blpop','nolist',0)"),
                   ev("return redis.call('lpos','l','c')")],
    "call_hashes": [ev("return redis.call('hset','h','a','1','b','2')"),
                    ev("return redis.call('hget','h','a')"), ev("return redis.call('hmget','h','a','x')"),
                    ev("return redis.call('hincrby','h','a',10)"),
                    ev("return redis.call('hincrbyfloat','h','a','0.5')"),
                    ev("return redis.call('hlen','h')"), ev("return redis.call('hexists','h','zz')")],
    "call_sets": [ev("return redis.call('sadd','s','a','b','c')"),
                  ev("return redis.call('sismember','s','a')"), ev("return redis.call('scard','s')"),
                  ev("return redis.call('smismember','s','a','x')"),
                  ev("return redis.call('sintercard',1,'s')")],
    "call_zsets": [ev("return redis.call('zadd','z',1,'a',2,'b',2.5,'c')"),
                   ev("return redis.call('zrange','z',0,-1,'WITHSCORES')"),
                   ev("return redis.call('zscore','z','c')"), ev("return redis.call('zincrby','z',1,'a')"),
                   ev("return redis.call('zrank','z','b')"), ev("return redis.call('zpopmin','z')"),
                   ev("redis.setresp(3) return redis.call('zrange','z',0,-1,'WITHSCORES')")],
    "call_wrongtype": [["SET", "s", "v"], ev("return redis.call('lpush','s','x')"),
                       ev("return redis.pcall('hget','s','x')"),
                       ev("local r = redis.pcall('sadd','s','x') return r['err']")],
    "call_ttl_clock": [ev("redis.call('set','k','v','PX',1) for i=1,300000 do end "
                          "return redis.call('exists','k')")],
}


# Metadata: SCRIPT's own entry lists KILL/DEBUG, which FinCache doesn't have: its subcommands are
# compared one by one.
EVAL_CMDS = ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"]
SCRIPT_SUBS = ["SCRIPT|LOAD", "SCRIPT|EXISTS", "SCRIPT|FLUSH", "SCRIPT|HELP"]
CASES["command_info"] = [["COMMAND", "INFO", c] for c in EVAL_CMDS + SCRIPT_SUBS]
CASES["command_docs"] = [["COMMAND", "DOCS", c] for c in EVAL_CMDS + SCRIPT_SUBS]
CASES["command_getkeys"] = [["COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c"],
                            ["COMMAND", "GETKEYS", "EVALSHA_RO", "x", "1", "k"],
                            ["COMMAND", "GETKEYSANDFLAGS", "EVAL", "return 1", "1", "k", "v"],
                            ["COMMAND", "GETKEYSANDFLAGS", "EVAL_RO", "return 1", "1", "k"],
                            ["COMMAND", "GETKEYS", "EVAL", "return 1", "0"]]


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_scripting(diff, steps, request):
    diff.run(steps, request.node.callspec.id)


def test_case_count():
    """The suite compares a broad set of commands (not a token few)."""
    assert sum(len(v) for v in CASES.values()) >= 80

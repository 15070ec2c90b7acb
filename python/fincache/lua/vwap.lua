--[[ VWAP: volume-weighted average price per ticker.

KEYS   one trades hash per ticker (e.g. trades:AAPL): field = trade id, value = "price:quantity"
ARGV   [1] decimals of the returned VWAP (default 4)

Returns one row per key, in KEYS order: {key, vwap, volume, trades}
  vwap    string with ARGV[1] decimals, or false when the ticker has no volume
  volume  total quantity (string: quantities may be fractional)
  trades  number of trades counted
Errors  "ERR bad trade <id> in <key>: <value>" when a value is not "price:quantity" with a
        non-negative price and quantity.

Trades are summed in trade-id order, so the result does not depend on the hash's iteration
order (the same on Redis and FinCache).
]]
local decimals = tonumber(ARGV[1] or '4')
if decimals == nil or decimals < 0 or decimals > 12 or decimals % 1 ~= 0 then
  return redis.error_reply('ERR decimals must be an integer between 0 and 12')
end
local fmt = '%.' .. decimals .. 'f'

local rows = {}
for i, key in ipairs(KEYS) do
  local flat = redis.call('HGETALL', key)
  local ids, values = {}, {}
  for j = 1, #flat, 2 do
    ids[#ids + 1] = flat[j]
    values[flat[j]] = flat[j + 1]
  end
  table.sort(ids)
  local notional, volume = 0, 0
  for _, id in ipairs(ids) do
    local v = values[id]
    local p, q = string.match(v, '^([^:]+):([^:]+)$')
    p, q = tonumber(p), tonumber(q)
    if p == nil or q == nil or p < 0 or q < 0 then
      return redis.error_reply('ERR bad trade ' .. id .. ' in ' .. key .. ': ' .. v)
    end
    notional = notional + p * q
    volume = volume + q
  end
  local vwap = false
  if volume > 0 then vwap = string.format(fmt, notional / volume) end
  rows[i] = {key, vwap, string.format('%.10g', volume), #ids}
end
return rows

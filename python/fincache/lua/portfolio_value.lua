--[[ Portfolio valuation: positions x last prices.

KEYS  [1] positions hash: field = symbol, value = quantity (negative for a short position)
      [2] prices hash:    field = symbol, value = last price
ARGV  [1] decimals of the returned amounts (default 2)

Returns {total, priced, missing, rows}
  total    market value of the priced positions (string with ARGV[1] decimals)
  priced   number of positions with a price
  missing  symbols without a price (array, sorted)
  rows     one {symbol, quantity, price, value} per position, sorted by symbol; price and value
           are false when the symbol has no price (value: string with ARGV[1] decimals)
Errors  "ERR bad quantity for <symbol>: <value>" / "ERR bad price for <symbol>: <value>".
]]
local decimals = tonumber(ARGV[1] or '2')
if decimals == nil or decimals < 0 or decimals > 12 or decimals % 1 ~= 0 then
  return redis.error_reply('ERR decimals must be an integer between 0 and 12')
end
local fmt = '%.' .. decimals .. 'f'

local flat = redis.call('HGETALL', KEYS[1])
local symbols, qty = {}, {}
for i = 1, #flat, 2 do
  local q = tonumber(flat[i + 1])
  if q == nil then
    return redis.error_reply('ERR bad quantity for ' .. flat[i] .. ': ' .. flat[i + 1])
  end
  symbols[#symbols + 1] = flat[i]
  qty[flat[i]] = q
end
table.sort(symbols)

-- Prices in batches (unpack of a huge table would overflow Lua's C stack).
local prices = {}
for first = 1, #symbols, 500 do
  local last = math.min(first + 499, #symbols)
  local batch = redis.call('HMGET', KEYS[2], unpack(symbols, first, last))
  for j = 1, #batch + 0 do prices[first + j - 1] = batch[j] end
  for j = #batch + 1, last - first + 1 do prices[first + j - 1] = false end
end
local total, priced, missing, rows = 0, 0, {}, {}
for i, sym in ipairs(symbols) do
  local raw = prices[i]
  local row = {sym, string.format('%.10g', qty[sym]), false, false}
  if raw then
    local p = tonumber(raw)
    if p == nil or p < 0 then
      return redis.error_reply('ERR bad price for ' .. sym .. ': ' .. raw)
    end
    local value = qty[sym] * p
    total = total + value
    priced = priced + 1
    row[3] = raw
    row[4] = string.format(fmt, value)
  else
    missing[#missing + 1] = sym
  end
  rows[i] = row
end
return {string.format(fmt, total), priced, missing, rows}

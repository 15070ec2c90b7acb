--[[ Fraud velocity check for one card transaction, atomically.

KEYS  [1] per-user transaction counter for the window (e.g. fraud:count:<user>)
      [2] per-user HyperLogLog of distinct merchants in the window (e.g. fraud:merchants:<user>)
      [3] geo set of users' last known locations (e.g. fraud:last_location)
ARGV  [1] user id (the member in KEYS[3])
      [2] merchant id
      [3] longitude, [4] latitude of this transaction
      [5] window in seconds (counter and merchant set expire with it)
      [6] max transactions per window        (over it: DECLINE)
      [7] max distinct merchants per window  (over it: REVIEW)
      [8] max km from the last location      (over it: DECLINE, "impossible travel")

Returns {verdict, count, distinct_merchants, km_from_last, reasons}
  verdict   "APPROVE", "REVIEW" or "DECLINE"
  count     transactions in the current window, this one included (integer)
  distinct  distinct merchants in the window (integer, HyperLogLog estimate)
  km        distance from the previous location (string, 4 decimals) or false for a first one
  reasons   comma-separated rule names that fired ("" when none)
The user's last location becomes this transaction's.
]]
local user, merchant = ARGV[1], ARGV[2]
local lon, lat = ARGV[3], ARGV[4]
local window = tonumber(ARGV[5])
local max_count, max_merchants, max_km = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
if not (user and merchant and lon and lat and window and max_count and max_merchants and max_km) then
  return redis.error_reply('ERR usage: user merchant lon lat window_s max_count max_merchants max_km')
end
if window <= 0 or window % 1 ~= 0 then
  return redis.error_reply('ERR window must be a positive integer number of seconds')
end

-- Velocity: one counter per user and window, expiring with the window.
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], window) end

-- Distinct merchants in the window.
redis.call('PFADD', KEYS[2], merchant)
if redis.call('TTL', KEYS[2]) < 0 then redis.call('EXPIRE', KEYS[2], window) end
local distinct = redis.call('PFCOUNT', KEYS[2])

-- Distance from the last location: this one is added under a scratch member first (GEOADD
-- validates the coordinates), measured, then becomes the user's last location.
local scratch = user .. ':pending'
redis.call('GEOADD', KEYS[3], lon, lat, scratch)
local km = redis.call('GEODIST', KEYS[3], user, scratch, 'km')
redis.call('GEOADD', KEYS[3], lon, lat, user)
redis.call('ZREM', KEYS[3], scratch)

local reasons = {}
local verdict = 'APPROVE'
if count > max_count then
  reasons[#reasons + 1] = 'velocity'
  verdict = 'DECLINE'
end
if km and tonumber(km) > max_km then
  reasons[#reasons + 1] = 'impossible_travel'
  verdict = 'DECLINE'
end
if distinct > max_merchants then
  reasons[#reasons + 1] = 'merchant_spread'
  if verdict == 'APPROVE' then verdict = 'REVIEW' end
end
return {verdict, count, distinct, km, table.concat(reasons, ',')}

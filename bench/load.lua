-- wrk script of the Zikong benchmark: rotates through the paths given after "--", stops each
-- thread after a request cap (0: none; wrk's -d bounds the time), counts answers by status
-- class, and prints one JSON line. Headers (the session cookie, HX-Request) come from -H.
--
--   wrk -t2 -c32 -d10s -H "Cookie: …" -s bench/load.lua http://127.0.0.1:8000 -- CAP /a /b …

local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  cap = tonumber(args[1]) or 0
  paths = {}
  for i = 2, #args do paths[#paths + 1] = args[i] end
  index = offset or 0
  answered, s2, s3, s4, s5 = 0, 0, 0, 0, 0
end

function request()
  if #paths == 0 then return wrk.format() end
  index = index % #paths + 1
  return wrk.format(nil, paths[index])
end

function response(status, headers, body)
  answered = answered + 1
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
  if cap > 0 and answered >= cap then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local c2, c3, c4, c5 = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c2 = c2 + t:get("s2"); c3 = c3 + t:get("s3"); c4 = c4 + t:get("s4"); c5 = c5 + t:get("s5")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "s2": %d, "s3": %d, ' ..
    '"s4": %d, "s5": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, c2, c3, c4, c5, e.connect, e.read,
    e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max))
end

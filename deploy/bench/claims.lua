-- wrk script: claims. Each request claims the next code with the next user's token (line i of the
-- file: "token TAB code"); thread t takes lines t, t + T, t + 2T, ... so no line is used twice.
-- X-Forwarded-For gives each claim its own client address (the gateway sets it; distinct users).
-- Usage: wrk ... -s claims.lua http://host:port -- <file> <threads> [path, default /api/claims]
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

function init(args)
  lines = {}
  local t = tonumber(args[2])
  path = args[3] or "/api/claims"
  local n = 0
  for line in io.lines(args[1]) do
    if n % t == tid then
      local token, code = line:match("^([^\t]+)\t(.+)$")
      lines[#lines + 1] = { token, code }
    end
    n = n + 1
  end
  i = 0
end

function request()
  i = i + 1
  local l = lines[((i - 1) % #lines) + 1]
  -- a run that outlasts the file would claim its codes again, as their owners: a claim of a device
  -- one already owns answers 200 and does nothing, which would inflate the rate. Past the end,
  -- each request sends a code nobody has, so non2xx shows it.
  local code = i > #lines and "NOSUCHCODE" or l[2]
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. l[1],
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", tid, math.floor(i / 256) % 256, i % 256)
  }, '{"code":"' .. code .. '"}')
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT ok=%d non2xx=%d seconds=%.3f rate=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d\n",
    summary.requests - e.status, e.status, summary.duration / 1e6, (summary.requests - e.status) / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout))
end

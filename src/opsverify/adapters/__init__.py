"""The one place per dependency where its errors become ours: Docker, hosts (testinfra/ssh), JSON HTTP APIs,
local tools (promtool, amtool)."""

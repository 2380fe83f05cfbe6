#!/usr/bin/env bash
# The documented production path, on a copy of this checkout (tracked files only, as a clean clone has them):
#   npm ci && npm run build   (on the build machine, with the development packages)
#   npm ci --omit=dev         (the runtime packages only)
#   npm start                 (must need nothing else: no TypeScript, no Vite, no ts-node)
# The started service must answer /healthz, /readyz, an API call and the console. CI runs this (.ci/run).
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
server=''
# npm does not pass its SIGTERM on to the service it started: end the service's processes too, by their parent PIDs
# (a kill of npm alone left a node process running after every CI run).
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1"); do
    descendants "$child"
    echo "$child"
  done
}
cleanup() {
  if [ -n "$server" ]; then
    # shellcheck disable=SC2046
    kill $(descendants "$server") "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$src" && git ls-files -z | xargs -0 cp --parents -t "$work")
cd "$work"
echo "copy in $work"
npm ci --no-audit --no-fund --loglevel=error
npm run build
npm ci --omit=dev --no-audit --no-fund --loglevel=error
for dev in vite ts-node jest graphiql @graphql-codegen/cli; do
  if [ -d "node_modules/$dev" ]; then echo "development package $dev is installed after --omit=dev" >&2; exit 1; fi
done
# npm still installs optional peers of runtime packages (Prisma's client names the Prisma CLI and TypeScript; the
# CLI brings React): remove them here, to prove that starting needs none of them.
rm -rf node_modules/typescript node_modules/prisma node_modules/react node_modules/react-dom

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
PORT="$port" DATA_DIR="$work/data" ADMIN_API_KEY=ik_production_check_key_0123456789 npm start >"$work/service.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  if ! kill -0 "$server" 2>/dev/null; then cat "$work/service.log" >&2; exit 1; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/readyz"
echo
curl -fsS -H 'x-api-key: ik_production_check_key_0123456789' "http://127.0.0.1:$port/api/interactions?limit=1" >/dev/null
curl -fsS -H 'accept: text/html' "http://127.0.0.1:$port/" | grep -q '<div id="root"' || {
  echo "the console page was not served" >&2
  exit 1
}
echo "production path: built, installed without development packages, started and answered"

#!/bin/sh
# The image's command: APP names a Nest project (its main.js) or `<project>-migrate` (its migrate.js),
# following nest-cli.json's output layout dist/apps/<project>/apps/<project>/src/.
set -eu
case "${APP:?set APP to ingress, audit, retention, billwerk-sim, audit-migrate or retention-migrate}" in
  *-migrate) project="${APP%-migrate}" entry=migrate ;;
  *) project="$APP" entry=main ;;
esac
file="dist/apps/$project/apps/$project/src/$entry.js"
if [ ! -f "$file" ]; then
  echo "unknown APP '$APP': $file is not in the image" >&2
  exit 64
fi
exec node "$file"

#!/bin/sh
# Entrypoint of the oven/bun stand-in, with the official image's behaviour: a first argument
# that is a flag, not a command, or a non-executable file is run by bun.
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- /usr/local/bin/bun "$@"
fi
exec "$@"

#!/bin/sh
# Print the .c files under a directory, sorted, relative to the project root.
cd "$(dirname "$0")/.." && find "$1" -name '*.c' -not -path '*/tests/*' | LC_ALL=C sort

import sys

try:
    from tvlint.cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was touched yet
    sys.stderr.write("tvlint: interrupted\n")
    raise SystemExit(130) from None

raise SystemExit(main())

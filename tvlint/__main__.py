from tvlint.cli import main

raise SystemExit(main())

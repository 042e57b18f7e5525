from tvlint.start import main

raise SystemExit(main())

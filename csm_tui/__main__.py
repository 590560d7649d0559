from csm_tui.cli.main import main

main()

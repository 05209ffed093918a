from qingji.cli import main

main()

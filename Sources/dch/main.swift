import ArgumentParser

DCH.main()

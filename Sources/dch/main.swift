print("dch")

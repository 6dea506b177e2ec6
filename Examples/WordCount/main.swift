import Engine
print("word-count: not yet")

import Engine
print("engine-bench: not yet")

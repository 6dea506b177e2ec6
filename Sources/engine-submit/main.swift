import Engine
print("engine-submit: not yet")

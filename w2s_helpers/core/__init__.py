"""The shared core: paths, atomic I/O, hashing and run records, typed configs, the
notebook runner and the grid-cell executor. Nothing here imports torch or a flow."""

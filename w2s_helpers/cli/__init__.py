"""The command line (`w2s`): a thin layer over the flows' grids and the notebook runner."""

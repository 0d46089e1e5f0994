"""The runs table: every run with its hyperparameters, metrics, times and status (reader), what
users say about runs and deleting them (plugin routes). Its view is ``core/RunsTable.tsx``."""

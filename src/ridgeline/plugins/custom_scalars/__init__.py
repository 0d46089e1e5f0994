"""The custom scalars plugin: writer side (summary), reader side (reader), HTTP routes (plugin)."""

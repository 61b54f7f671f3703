"""The project model: discovery, settings, apps, models, and the merge of all facts."""

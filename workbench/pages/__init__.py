"""Hosting experiments: the run controller, the ExperimentHost of one page and its view protocol,
the topic panel of pages, the sweep page, undo, and exports."""

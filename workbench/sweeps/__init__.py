"""Sweeps of any experiment (issue 19): a grid of parameter values × seeds, each point a headless run.

``grid`` plans and checks the points, ``point`` runs one of them anywhere (this process, a worker
process, a Dask worker), ``backends`` spread them over sequential / process / dask, ``results``
keeps ``results.csv`` and ``sweep.json`` (and resumes), ``summary`` draws ``summary.png``.  Nothing
here imports Qt except ``summary``.
"""

"""fiscalshare: share basic-public-service costs between the levels of a Chinese province.

Data flows one way: workbook → ``io`` → inputs Dataset (``case``) → ``model`` → ``solve`` → results
Dataset → ``report``; ``cli`` sits on top.  Heavy modules are imported lazily so that the command
line starts fast.
"""

__version__ = "0.1.0"

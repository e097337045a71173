"""The fork server's last preload: move every object it has so far into the collector's
permanent generation (``gc.freeze``), so that no page's garbage collection walks them.

Without it, every full collection in a page (``gc.collect()`` when the page is released, and
each automatic one while it runs) traverses the hundreds of thousands of objects that
importing torch, torchvision and Matplotlib created, and writes to each one's header, which
copies the fork server's memory pages into the page's process one by one: measured 0.5 s per
page release on a loaded 2-core machine, 0.000 s with the heap frozen.  Python's own advice
for processes that fork without exec (the ``gc.freeze`` documentation).

Nothing a page can observe changes: frozen objects are module-level objects that live as
long as the process anyway, and the collector's thresholds and counts are untouched.
"""

import gc

gc.collect()  # garbage the imports left in reference cycles is freed, not frozen
gc.freeze()

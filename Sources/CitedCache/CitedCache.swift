// Module CitedCache

// Module CitedStore: see Package.swift for what it is for.

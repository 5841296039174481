// Module CitedRetrieve: see Package.swift for what it is for.

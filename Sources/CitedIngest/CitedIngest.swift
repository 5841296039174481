// Module CitedIngest: see Package.swift for what it is for.

// Module CitedGenerate: see Package.swift for what it is for.

// Module CitedModel: see Package.swift for what it is for.

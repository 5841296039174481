// Module CitedTokenizer: see Package.swift for what it is for.

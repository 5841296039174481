// Module CitedKernels: see Package.swift for what it is for.

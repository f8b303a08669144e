"""Documents and the sources they come from (Wikipedia dumps, instruction corpora, hub data), mapping stages
over document shards, the held-out split, and the HDF5 training shards."""

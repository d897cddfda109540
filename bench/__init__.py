"""`make bench`: the speed and cost figures of the platform, as ratios against baselines measured
in the same run. Each module has a `main()` that prints its figures."""

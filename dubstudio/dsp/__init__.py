"""Signal processing in the core: time-stretch and pitch (rubberband), resampling, mixing."""

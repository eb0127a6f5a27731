"""Speaking rates measured by calibrate.py (generated: do not edit by hand).

(backend, voice, language): (per_syllable, per_pause, fixed) in project samples, and the
fit's mean absolute error as a fraction of the duration."""

RATES = {
    ('kokoro', 'jf_alpha', 'en'): (9357.4, 0.0, 9151.0, 0.061),
    ('kokoro', 'jf_alpha', 'es'): (8140.9, 17347.6, 3679.6, 0.067),
    ('kokoro', 'jf_alpha', 'fr'): (9863.1, 1539.1, 2854.7, 0.134),
    ('kokoro', 'jf_alpha', 'it'): (8357.9, 14595.1, 2792.3, 0.070),
    ('kokoro', 'jf_alpha', 'pt'): (8745.1, 9618.2, 2546.7, 0.083),
    ('kokoro', 'jf_gongitsune', 'en'): (10044.4, 17357.2, 5564.6, 0.073),
    ('kokoro', 'jf_gongitsune', 'es'): (10672.3, 10673.9, 0.0, 0.066),
    ('kokoro', 'jf_gongitsune', 'fr'): (10596.9, 14180.9, 7405.3, 0.099),
    ('kokoro', 'jf_gongitsune', 'it'): (9442.1, 21180.2, 7284.4, 0.044),
    ('kokoro', 'jf_gongitsune', 'pt'): (11017.1, 7086.5, 0.0, 0.087),
    ('kokoro', 'jf_nezumi', 'en'): (10018.5, 4490.1, 2892.1, 0.095),
    ('kokoro', 'jf_nezumi', 'es'): (10166.2, 13665.6, 0.0, 0.102),
    ('kokoro', 'jf_nezumi', 'fr'): (11211.7, 5076.9, 0.0, 0.127),
    ('kokoro', 'jf_nezumi', 'it'): (8920.9, 30025.1, 0.0, 0.093),
    ('kokoro', 'jf_nezumi', 'pt'): (10483.6, 9701.6, 0.0, 0.125),
    ('kokoro', 'jf_tebukuro', 'en'): (9846.1, 13270.0, 0.0, 0.079),
    ('kokoro', 'jf_tebukuro', 'es'): (9729.0, 15197.5, 0.0, 0.069),
    ('kokoro', 'jf_tebukuro', 'fr'): (10373.1, 16818.5, 0.0, 0.101),
    ('kokoro', 'jf_tebukuro', 'it'): (9014.6, 24033.4, 799.0, 0.046),
    ('kokoro', 'jf_tebukuro', 'pt'): (10183.8, 11778.6, 0.0, 0.114),
    ('kokoro', 'jm_kumo', 'en'): (9979.3, 1951.4, 3205.6, 0.072),
    ('kokoro', 'jm_kumo', 'es'): (9588.8, 4559.4, 0.0, 0.038),
    ('kokoro', 'jm_kumo', 'fr'): (9396.9, 11540.9, 205.3, 0.129),
    ('kokoro', 'jm_kumo', 'it'): (9186.3, 11343.8, 0.0, 0.064),
    ('kokoro', 'jm_kumo', 'pt'): (9847.9, 5527.1, 0.0, 0.058),
    ('piper', 'en_US-joe-medium', 'en'): (7665.6, 22887.9, 6680.7, 0.103),
}

"""Stage 1 of the paper: fundus images (DRIVE, the phantom, a user's own), the green-channel
CLAHE preprocessing and the labelled 64×64 patches."""

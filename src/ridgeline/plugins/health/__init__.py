"""Training health: findings (vanishing/exploding gradients, NaN, dead units, plateaus) read
from what ``ridgeline.torch.watch`` and plain scalars log."""

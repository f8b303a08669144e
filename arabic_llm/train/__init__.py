"""The QLoRA training engine: packed rows, memory fitting, checkpoints and exact resume, data-parallel launch."""

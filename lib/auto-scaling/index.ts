// Public API of the auto-scaling part; each file below exports one concern.
export {};

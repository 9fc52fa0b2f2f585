// Public API of the standards part; each file below exports one concern.
export {};

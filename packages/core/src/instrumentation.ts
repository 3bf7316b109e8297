// placeholder until the plugin base lands in this commit series
export {};

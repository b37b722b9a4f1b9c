package dedupe

func clusteringOf(labels ...int32) *Clustering {
	c := &Clustering{Cluster: labels}
	for _, l := range labels {
		for int(l) >= len(c.Size) {
			c.Size = append(c.Size, 0)
		}
		c.Size[l]++
	}
	return c
}

"""What every torch topic shares: a population of small models trained as one program, Adam with a
learning rate per member, the divergence guard, and the bundled data sets."""

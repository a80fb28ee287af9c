ipvsadm -Ln --tun-info --stats
ipvsadm -Ln --tun-info --thresholds
ipvsadm -Ln --tun-info -c
ipvsadm -Ln --tun-info --timeout

ipvsadm --add-service --udp-service 10.10.0.1:53 --scheduler rr --ops
ipvsadm --add-server --udp-service 10.10.0.1:53 --real-server 10.20.0.1 --gatewaying --weight 2 --u-threshold 9 --l-threshold 3
ipvsadm --edit-server --udp-service 10.10.0.1:53 --real-server 10.20.0.1 --ipip --tun-type ipip
ipvsadm --list --numeric --thresholds
ipvsadm --zero --udp-service 10.10.0.1:53
ipvsadm --delete-server --udp-service 10.10.0.1:53 --real-server 10.20.0.1
ipvsadm --edit-service --fwmark-service 3
ipvsadm --delete-service --udp-service 10.10.0.1:53
ipvsadm --save

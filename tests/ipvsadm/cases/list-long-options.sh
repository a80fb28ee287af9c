ipvsadm --add-service --tcp-service 10.10.0.100:80 --scheduler wrr
ipvsadm --add-server --tcp-service 10.10.0.100:80 --real-server 10.20.0.11:8080 --masquerading --weight 5
ipvsadm --list --numeric
